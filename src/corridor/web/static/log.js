// Checks the log in the browser, so the reader need not trust this page's own verdict.
// 1. The checkpoint's signature (C2SP signed-note, Ed25519): the group's log key shown on the page
//    (`name+hex(keyID)+base64(0x01 ‖ key)`, registered in entry 0) must have a key ID equal to
//    SHA-256(name ‖ "\n" ‖ 0x01 ‖ key)[:4]; the note's signature line `— name base64(keyID ‖ sig)`
//    by that key must verify over the note's text (everything up to the blank line), and the
//    checkpoint's origin must be the key's name. Other lines (witness cosignatures) are not checked.
// 2. On an entry's page, its inclusion proof (RFC 6962 / RFC 9162 §2.1.3.2): the entry's bytes
//    hash to the leaf (SHA-256 of 0x00 ‖ entry), the proof's hashes fold into a root (SHA-256 of
//    0x01 ‖ left ‖ right), and that root must be the one in the signed checkpoint text. The
//    server's own "root" field in the proof is deliberately not used; the proof is reported
//    verified only when the checkpoint's signature verified too.
(function () {
  "use strict";
  const DASH = "\u2014 ";

  function say(box, text, ok) {
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

  function hex(bytes) {
    return Array.from(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }

  function concat(parts) {
    const total = parts.reduce(function (n, p) { return n + p.length; }, 0);
    const buffer = new Uint8Array(total);
    let at = 0;
    parts.forEach(function (p) { buffer.set(p, at); at += p.length; });
    return buffer;
  }

  async function digest(bytes) {
    return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  }

  async function sha256(prefix, parts) {
    return digest(concat([new Uint8Array([prefix])].concat(parts)));
  }

  function same(a, b) {
    return a.length === b.length && a.every(function (v, i) { return v === b[i]; });
  }

  function noteText() {
    const note = document.getElementById("checkpoint-note");
    return note ? note.textContent : "";
  }

  // The checkpoint as signed: origin, size and base64 root on its first three lines.
  function checkpoint() {
    const lines = noteText().split("\n");
    return {origin: lines[0], size: parseInt(lines[1], 10), root: lines[2] || ""};
  }

  // The vkey `name+hex8+base64(0x01 ‖ 32 bytes)`; base64 may hold "+", so split twice only.
  function parseKey(vkey) {
    const first = vkey.indexOf("+"), second = vkey.indexOf("+", first + 1);
    if (first <= 0 || second < 0) return null;
    const name = vkey.slice(0, first), id = vkey.slice(first + 1, second);
    if (!/^[0-9a-fA-F]{8}$/.test(id) || /[\s+]/.test(name)) return null;
    let material;
    try { material = fromBase64(vkey.slice(second + 1)); } catch (e) { return null; }
    if (material.length !== 33 || material[0] !== 1) return null;
    return {name: name, id: id.toLowerCase(), material: material, pub: material.slice(1)};
  }

  // The note's text (ending in its newline) and its signature lines, or null if malformed.
  function parseNote(note) {
    const at = note.lastIndexOf("\n\n");
    if (at < 0 || !note.endsWith("\n")) return null;
    const text = note.slice(0, at + 1);
    if (/[\u0000-\u0009\u000b-\u001f]/.test(note)) return null;
    const lines = note.slice(at + 2, -1).split("\n").map(function (line) {
      if (!line.startsWith(DASH)) return null;
      const rest = line.slice(DASH.length), space = rest.indexOf(" ");
      if (space <= 0) return null;
      let raw;
      try { raw = fromBase64(rest.slice(space + 1)); } catch (e) { return null; }
      return raw.length < 5 ? null
        : {name: rest.slice(0, space), id: hex(raw.slice(0, 4)), signature: raw.slice(4)};
    });
    return lines.some(function (l) { return l === null; }) ? null : {text: text, lines: lines};
  }

  // The checkpoint's signature by the log key: {ok, text, name}.
  async function checkSignature() {
    const box = document.getElementById("signature-check");
    if (!box) return {ok: false, text: ""};
    const d = box.dataset;
    function done(ok, template, values) {
      const text = fill(template, values || {});
      say(box, text, ok);
      return {ok: ok, text: text, name: values && values.name};
    }
    if (!window.crypto || !crypto.subtle) return done(false, d.noCrypto);
    box.textContent = d.checking;
    delete box.dataset.result;
    // Step 1: the log key, and its key ID computed from its name and key.
    const key = parseKey(d.key || "");
    if (!key) return done(false, d.keyMalformed);
    const name = key.name;
    const id = hex((await digest(concat([new TextEncoder().encode(name + "\n"),
                                         key.material]))).slice(0, 4));
    if (id !== key.id) return done(false, d.keyId, {name: name, got: key.id, want: id});
    // Step 2: the signed note: its text, a blank line, signature lines.
    const note = parseNote(noteText());
    if (!note) return done(false, d.noteMalformed);
    // Step 3: the lines by the log key's name carry its key ID.
    const mine = note.lines.filter(function (l) { return l.name === name; });
    if (!mine.length) return done(false, d.noLine, {name: name});
    const wrong = mine.find(function (l) { return l.id !== id; });
    if (wrong) return done(false, d.lineId, {name: name, got: wrong.id, want: id});
    // Step 4: each verifies over the note's text with the key (Ed25519, WebCrypto).
    let pub;
    try {
      pub = await crypto.subtle.importKey("raw", key.pub, {name: "Ed25519"}, false, ["verify"]);
    } catch (e) {
      return done(false, d.noEd25519, {error: e.message});
    }
    const message = new TextEncoder().encode(note.text);
    for (const line of mine) {
      const ok = line.signature.length === 64 &&
        await crypto.subtle.verify({name: "Ed25519"}, pub, line.signature, message);
      if (!ok) return done(false, d.badSignature, {name: name});
    }
    // Step 5: the checkpoint is this log's: its origin is the key's name.
    const origin = note.text.split("\n")[0];
    if (origin !== name) return done(false, d.originDiffers, {name: name, got: origin});
    return done(true, d.verified, {name: name});
  }

  async function checkProof(box) {
    if (!window.crypto || !crypto.subtle) { say(box, box.dataset.noCrypto, false); return; }
    box.textContent = box.dataset.checking;
    delete box.dataset.result;
    // Step 0: the checkpoint the proof is checked against is signed by the log key.
    const signature = await checkSignature();
    if (!signature.ok) {
      say(box, fill(box.dataset.signatureFailed, {reason: signature.text}), false);
      return;
    }
    const size = parseInt(box.dataset.size, 10);
    let proof;
    try {
      const url = box.dataset.api + "?index=" + box.dataset.index + "&size=" + size;
      const response = await window.corridorFetch(url, {headers: {Accept: "application/json"}});
      if (!response.ok) throw new Error(response.status + " " + response.statusText);
      proof = await response.json();
    } catch (error) {
      say(box, fill(box.dataset.fetchFailed, {error: error.message}), false);
      return;
    }
    // Step 1: the entry on the page is the leaf the proof is about.
    const leaf = fromBase64(proof.leaf_hash);
    const data = document.getElementById("entry-data");
    const expected = data
      ? await sha256(0, [new TextEncoder().encode(data.textContent)])
      : fromBase64(document.getElementById("leaf-hash").textContent);
    if (!same(expected, leaf)) { say(box, box.dataset.leafDiffers, false); return; }
    // Step 2: the proof is for the checkpoint's tree.
    const signed = checkpoint();
    if (proof.size !== size || signed.size !== size) {
      say(box, fill(box.dataset.sizeDiffers, {got: proof.size, size: signed.size}), false);
      return;
    }
    // Steps 3…: fold the proof's hashes into a root.
    let fn = proof.index, sn = size - 1, r = leaf, step = 3;
    for (const item of proof.proof) {
      if (sn === 0) { say(box, fill(box.dataset.proofShort, {step: step}), false); return; }
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
    if (sn !== 0) { say(box, fill(box.dataset.proofShort, {step: step}), false); return; }
    let root;
    try { root = fromBase64(signed.root); } catch (e) { root = new Uint8Array(0); }
    if (!same(r, root)) {
      say(box, fill(box.dataset.rootDiffers, {got: toBase64(r)}), false);
      return;
    }
    say(box, fill(box.dataset.verified, {size: size, name: signature.name}), true);
  }

  const proofBox = document.getElementById("proof-check");
  const again = document.getElementById("proof-again");
  function check() { return proofBox ? checkProof(proofBox) : checkSignature(); }
  if (again) {
    again.hidden = false;
    again.addEventListener("click", check);
  }
  // A live update swaps in a newer checkpoint: check its signature too.
  document.addEventListener("corridor:refreshed", checkSignature);
  check();
})();
