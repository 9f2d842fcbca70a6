// Checks a log entry's inclusion proof in the browser (RFC 6962 / RFC 9162 §2.1.3.2): the entry's
// bytes hash to the leaf (SHA-256 of 0x00 ‖ entry), the proof's hashes fold into a root
// (SHA-256 of 0x01 ‖ left ‖ right), and that root must be the one in the signed checkpoint
// text shown on the page. The server's own "root" field in the proof is deliberately not used.
(function () {
  "use strict";
  const box = document.getElementById("proof-check");
  if (!box) return;
  const again = document.getElementById("proof-again");

  function say(text, ok) {
    box.textContent = "";
    const p = document.createElement("p");
    p.className = ok ? "ok" : "error";
    p.textContent = text;
    box.appendChild(p);
    box.dataset.result = ok ? "verified" : "failed";
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (m, k) { return k in values ? values[k] : m; });
  }

  function fromBase64(text) {
    return Uint8Array.from(atob(text.trim()), function (c) { return c.charCodeAt(0); });
  }

  function toBase64(bytes) {
    return btoa(String.fromCharCode.apply(null, Array.from(bytes)));
  }

  async function sha256(prefix, parts) {
    const total = 1 + parts.reduce(function (n, p) { return n + p.length; }, 0);
    const buffer = new Uint8Array(total);
    buffer[0] = prefix;
    let at = 1;
    parts.forEach(function (p) { buffer.set(p, at); at += p.length; });
    return new Uint8Array(await crypto.subtle.digest("SHA-256", buffer));
  }

  function same(a, b) {
    return a.length === b.length && a.every(function (v, i) { return v === b[i]; });
  }

  // The checkpoint as signed: origin, size and base64 root on its first three lines.
  function checkpoint() {
    const lines = document.getElementById("checkpoint-note").textContent.split("\n");
    return {size: parseInt(lines[1], 10), root: lines[2] || ""};
  }

  async function check() {
    if (!window.crypto || !crypto.subtle) { say(box.dataset.noCrypto, false); return; }
    box.textContent = box.dataset.checking;
    delete box.dataset.result;
    const size = parseInt(box.dataset.size, 10);
    let proof;
    try {
      const url = box.dataset.api + "?index=" + box.dataset.index + "&size=" + size;
      const response = await window.corridorFetch(url, {headers: {Accept: "application/json"}});
      if (!response.ok) throw new Error(response.status + " " + response.statusText);
      proof = await response.json();
    } catch (error) {
      say(fill(box.dataset.fetchFailed, {error: error.message}), false);
      return;
    }
    // Step 1: the entry on the page is the leaf the proof is about.
    const leaf = fromBase64(proof.leaf_hash);
    const data = document.getElementById("entry-data");
    const expected = data
      ? await sha256(0, [new TextEncoder().encode(data.textContent)])
      : fromBase64(document.getElementById("leaf-hash").textContent);
    if (!same(expected, leaf)) { say(box.dataset.leafDiffers, false); return; }
    // Step 2: the proof is for the checkpoint's tree.
    const signed = checkpoint();
    if (proof.size !== size || signed.size !== size) {
      say(fill(box.dataset.sizeDiffers, {got: proof.size, size: signed.size}), false);
      return;
    }
    // Steps 3…: fold the proof's hashes into a root.
    let fn = proof.index, sn = size - 1, r = leaf, step = 3;
    for (const item of proof.proof) {
      if (sn === 0) { say(fill(box.dataset.proofShort, {step: step}), false); return; }
      const p = fromBase64(item);
      if (fn % 2 === 1 || fn === sn) {
        r = await sha256(1, [p, r]);
        if (fn % 2 === 0) {
          while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
        }
      } else {
        r = await sha256(1, [r, p]);
      }
      fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); step += 1;
    }
    if (sn !== 0) { say(fill(box.dataset.proofShort, {step: step}), false); return; }
    let root;
    try { root = fromBase64(signed.root); } catch (e) { root = new Uint8Array(0); }
    if (!same(r, root)) { say(fill(box.dataset.rootDiffers, {got: toBase64(r)}), false); return; }
    say(fill(box.dataset.verified, {size: size}), true);
  }

  if (again) {
    again.hidden = false;
    again.addEventListener("click", check);
  }
  check();
})();
