// Signing a pause decision in the browser. The key file is read here (FileReader) and imported
// into WebCrypto; the private key never leaves this page. What is posted to the server is only
// the statement, the Ed25519 signature over its RFC 8785 bytes, and the key's fingerprint.
(function () {
  "use strict";
  const form = document.getElementById("sign-form");
  if (!form) return;
  const statement = JSON.parse(document.getElementById("statement-json").textContent);
  const problems = JSON.parse(document.getElementById("sign-problems").textContent);
  const fileInput = document.getElementById("key-file");
  const keyStatus = document.getElementById("key-status");
  const errorBox = document.getElementById("sign-error");
  const button = document.getElementById("sign-button");
  const registered = (form.dataset.fingerprints || "").split(" ").filter(Boolean);
  let signingKey = null;
  let fingerprint = null;

  // RFC 8785 for the statement's values (strings and integers): keys sorted by UTF-16 code
  // units, JSON.stringify's escaping and number form, no whitespace.
  function canonical(value) {
    if (value === null || typeof value !== "object") return JSON.stringify(value);
    if (Array.isArray(value)) return "[" + value.map(canonical).join(",") + "]";
    return "{" + Object.keys(value).sort().map(function (k) {
      return JSON.stringify(k) + ":" + canonical(value[k]);
    }).join(",") + "}";
  }

  function b64(bytes) {
    let text = "";
    new Uint8Array(bytes).forEach(function (b) { text += String.fromCharCode(b); });
    return btoa(text);
  }

  function fromB64url(text) {
    const plain = text.replace(/-/g, "+").replace(/_/g, "/");
    const raw = atob(plain + "===".slice((plain.length + 3) % 4));
    return Uint8Array.from(raw, function (c) { return c.charCodeAt(0); });
  }

  function showError(key, detail) {
    errorBox.textContent = (problems[key] || problems.other) + (detail ? " (" + detail + ")" : "");
    errorBox.hidden = false;
    errorBox.dataset.check = key;
  }

  function pemBody(text) {
    const match = /-----BEGIN PRIVATE KEY-----([\s\S]+?)-----END PRIVATE KEY-----/.exec(text);
    if (!match) throw new Error("file");
    const raw = atob(match[1].replace(/\s+/g, ""));
    return Uint8Array.from(raw, function (c) { return c.charCodeAt(0); });
  }

  async function load(file) {
    signingKey = null;
    fingerprint = null;
    errorBox.hidden = true;
    keyStatus.textContent = "";
    const text = await new Promise(function (resolve, reject) {
      const reader = new FileReader();
      reader.onload = function () { resolve(reader.result); };
      reader.onerror = function () { reject(new Error("file")); };
      reader.readAsText(file);
    });
    let der;
    try { der = pemBody(text); } catch (e) { return showError("file"); }
    if (!window.crypto || !crypto.subtle) return showError("browser");
    let extractable;
    try {
      extractable = await crypto.subtle.importKey("pkcs8", der, {name: "Ed25519"}, true, ["sign"]);
    } catch (e) {
      return showError(e && e.name === "NotSupportedError" ? "browser" : "file");
    }
    // The public key (JWK "x") gives the fingerprint; the private part stays in this page.
    const jwk = await crypto.subtle.exportKey("jwk", extractable);
    const publicRaw = fromB64url(jwk.x);
    const digest = await crypto.subtle.digest("SHA-256", publicRaw);
    fingerprint = "SHA256:" + b64(digest).replace(/=+$/, "");
    signingKey = await crypto.subtle.importKey("pkcs8", der, {name: "Ed25519"}, false, ["sign"]);
    keyStatus.textContent = form.dataset.msgLoaded.replace("{fingerprint}", fingerprint);
    if (registered.indexOf(fingerprint) < 0) {
      keyStatus.textContent += " " + form.dataset.msgUnlisted;
    }
  }

  // The server's problem details → which check failed, in the reader's language.
  function checkOf(problem) {
    if (problem.check) return problem.check;
    if (problem.type && problem.type.endsWith("/invalid-transition")) return "state";
    if (problem.field === "/key") return "key-unknown";
    if (problem.field === "/statement/version") return "version";
    return "other";
  }

  fileInput.addEventListener("change", function () {
    if (fileInput.files && fileInput.files[0]) {
      load(fileInput.files[0]).catch(function () { showError("file"); });
    }
  });

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    errorBox.hidden = true;
    if (!signingKey) return showError("need-key");
    button.disabled = true;
    keyStatus.textContent = form.dataset.msgSigning;
    try {
      const bytes = new TextEncoder().encode(canonical(statement));
      const signature = b64(await crypto.subtle.sign({name: "Ed25519"}, signingKey, bytes));
      let response;
      try {
        response = await window.corridorFetch(form.dataset.endpoint, {
          method: "POST",
          headers: {"Content-Type": "application/json"},
          body: JSON.stringify({statement: statement, signature: signature, key: fingerprint}),
        });
      } catch (e) {
        return showError("network");
      }
      if (response.ok) {
        keyStatus.textContent = form.dataset.msgDone;
        window.location.assign(form.dataset.done);
        return;
      }
      let problem = {};
      try { problem = await response.json(); } catch (e) { problem = {}; }
      keyStatus.textContent = "";
      showError(checkOf(problem), problem.detail);
    } finally {
      button.disabled = false;
    }
  });

  problems["need-key"] = form.dataset.msgNeedKey;
})();
