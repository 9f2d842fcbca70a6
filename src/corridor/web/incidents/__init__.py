"""The incidents' pages: the list, a report and its thread, the report form."""
