"""The web pages: server-rendered (Jinja2), usable before any script loads, in en, uk and ru.

Pages call the same service functions as the API with the same policy; a page never writes
anything the API could not. Scripts only add: the map, live updates, signing in the browser.
"""
