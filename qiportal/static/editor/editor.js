/*
  Upload errors in the Markdown editor. django-markdownx logs a refused upload to the console and
  types "Invalid response" into the text; this shows the server's reason next to the editor
  instead, and takes that stray text back out.
*/
"use strict";

(function () {
  const STRAY_TEXT = "Invalid response";

  function showError(container, message) {
    let box = container.querySelector(".markdownx-upload-error");
    if (!box) {
      box = document.createElement("p");
      box.className = "markdownx-upload-error";
      box.setAttribute("role", "alert");
      container.appendChild(box);
    }
    box.textContent = message;
  }

  function reasonFrom(detail) {
    const raw = Array.isArray(detail) ? detail[0] : detail;
    try {
      const data = typeof raw === "string" ? JSON.parse(raw) : raw;
      if (data && data.error) {
        return "Image not uploaded: " + data.error + (data.accepted ? " Accepted: " + data.accepted : "");
      }
    } catch (error) {
      // Not JSON: fall through to the general message.
    }
    return "Image not uploaded. Accepted: PNG, JPEG, GIF or WebP images up to 5 MB and 40 megapixels.";
  }

  function onUploadError(event) {
    const container = event.currentTarget;
    const editor = container.querySelector("textarea.markdownx-editor");
    const at = editor ? editor.selectionStart : -1;
    showError(container, reasonFrom(event.detail));
    // django-markdownx inserts its placeholder right after this event; remove it again.
    window.setTimeout(function () {
      if (editor && editor.value.substr(at, STRAY_TEXT.length) === STRAY_TEXT) {
        editor.value = editor.value.slice(0, at) + editor.value.slice(at + STRAY_TEXT.length);
      }
    }, 0);
  }

  function onUploadEnd(event) {
    const box = event.currentTarget.querySelector(".markdownx-upload-error");
    if (box) {
      box.remove();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".markdownx").forEach(function (container) {
      container.addEventListener("markdownx.fileUploadError", onUploadError);
      container.addEventListener("fileUploadError", onUploadError);
      container.addEventListener("markdownx.fileUploadEnd", onUploadEnd);
    });
  });
})();
