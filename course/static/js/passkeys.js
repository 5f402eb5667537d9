// Passkeys (WebAuthn): make one in Account, sign in with one. Progressive enhancement:
// without this file (or without passkey support) the form posts empty and the server
// explains that passkeys need a supporting browser; password sign-in always works.
(function () {
  "use strict";

  // base64url <-> ArrayBuffer, by hand (the options and answers travel as JSON strings).
  function fromB64url(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) { base64 += "="; }
    var binary = atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
    return bytes.buffer;
  }

  function toB64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) { binary += String.fromCharCode(bytes[i]); }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function decodeIds(list) {
    return (list || []).map(function (item) {
      var copy = Object.assign({}, item);
      copy.id = fromB64url(item.id);
      return copy;
    });
  }

  function creationOptions(json) {
    json.challenge = fromB64url(json.challenge);
    json.user.id = fromB64url(json.user.id);
    json.excludeCredentials = decodeIds(json.excludeCredentials);
    return json;
  }

  function requestOptions(json) {
    json.challenge = fromB64url(json.challenge);
    json.allowCredentials = decodeIds(json.allowCredentials);
    return json;
  }

  function answer(credential) {
    var r = credential.response;
    var response = { clientDataJSON: toB64url(r.clientDataJSON) };
    if (r.attestationObject) {
      response.attestationObject = toB64url(r.attestationObject);
      response.transports = r.getTransports ? r.getTransports() : [];
    } else {
      response.authenticatorData = toB64url(r.authenticatorData);
      response.signature = toB64url(r.signature);
      if (r.userHandle) { response.userHandle = toB64url(r.userHandle); }
    }
    return {
      id: credential.id, rawId: toB64url(credential.rawId), type: credential.type,
      response: response, clientExtensionResults: {},
      authenticatorAttachment: credential.authenticatorAttachment || undefined
    };
  }

  function setup(form) {
    var kind = form.getAttribute("data-passkey");
    var status = form.querySelector(".passkey-status");
    var field = form.querySelector("input[name=credential]");
    var tokenField = form.querySelector("input[name=csrf_token]");
    var token = tokenField ? tokenField.value : "";
    var busy = false;

    function say(text) { status.textContent = text; }

    if (!window.PublicKeyCredential || !navigator.credentials) {
      say("This browser cannot use passkeys. Use your password, or try an up-to-date browser.");
      return;
    }
    form.addEventListener("submit", function (event) {
      if (field.value) { return; } // the passkey is ready: an ordinary post
      event.preventDefault();
      if (busy) { return; }
      var name = form.querySelector("input[name=name]");
      if (name && !name.value.trim()) { form.submit(); return; } // the server asks for a name
      busy = true;
      say("Waiting for your device…");
      fetch(form.getAttribute("data-options"), {
        method: "POST", credentials: "same-origin",
        headers: { "X-CSRFToken": token, "Accept": "application/json" }
      }).then(function (response) {
        if (!response.ok) { throw new Error("server " + response.status); }
        return response.json();
      }).then(function (json) {
        return kind === "register"
          ? navigator.credentials.create({ publicKey: creationOptions(json) })
          : navigator.credentials.get({ publicKey: requestOptions(json) });
      }).then(function (credential) {
        field.value = JSON.stringify(answer(credential));
        say("Checking…");
        form.submit();
      }).catch(function (error) {
        busy = false;
        say(error && error.name === "NotAllowedError"
          ? "Nothing was done: the passkey request was cancelled or timed out. You can try again."
          : "The passkey did not work this time. You can try again, or use your password.");
      });
    });
  }

  document.querySelectorAll("form[data-passkey]").forEach(setup);
})();
