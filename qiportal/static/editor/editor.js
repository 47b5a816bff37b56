/*
  Images in the Markdown editor. django-markdownx uploads an image dropped or pasted into the
  text; this adds a visible "Add image" control that hands the chosen file to the same upload,
  asks for the image's description (its alt text) once it is in, and shows the server's reason
  when an upload is refused (markdownx logs it to the console and types "Invalid response" into
  the text, which is taken back out).
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

  function askForDescription(event) {
    const detail = Array.isArray(event.detail) ? event.detail[0] : event.detail;
    const code = detail && detail.image_code;
    const editor = event.currentTarget.querySelector("textarea.markdownx-editor");
    if (!code || !editor || editor.value.indexOf(code) < 0) {
      return;
    }
    const said = window.prompt(
      "Describe the image for readers who cannot see it (its alt text), for example " +
        "\u201cA chart of claims by year\u201d:",
      ""
    );
    const description = (said || "").replace(/[\[\]]/g, "").trim();
    if (description) {
      editor.value = editor.value.replace(code, code.replace("![]", "![" + description + "]"));
      editor.dispatchEvent(new Event("input", { bubbles: true }));
    }
  }

  function addImageControl(container) {
    const editor = container.querySelector("textarea.markdownx-editor");
    if (!editor) {
      return;
    }
    const row = document.createElement("p");
    row.className = "markdownx-add-image";
    const label = document.createElement("label");
    label.className = "button";
    label.textContent = "Add image";
    const input = document.createElement("input");
    input.type = "file";
    input.accept = "image/png,image/jpeg,image/gif,image/webp";
    label.appendChild(input);
    const hint = document.createElement("span");
    hint.className = "help";
    hint.textContent =
      " or drop or paste one into the text: PNG, JPEG, GIF or WebP, up to 5 MB. You will be " +
      "asked to describe it.";
    row.append(label, hint);
    editor.insertAdjacentElement("afterend", row);
    input.addEventListener("change", function () {
      if (!input.files.length) {
        return;
      }
      // The same path as a file dropped into the text: markdownx uploads it and inserts it.
      const transfer = new DataTransfer();
      transfer.items.add(input.files[0]);
      editor.focus();
      editor.dispatchEvent(
        new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true })
      );
      input.value = "";
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".markdownx").forEach(function (container) {
      container.addEventListener("markdownx.fileUploadError", onUploadError);
      container.addEventListener("fileUploadError", onUploadError);
      container.addEventListener("markdownx.fileUploadEnd", onUploadEnd);
      container.addEventListener("markdownx.fileUploadEnd", askForDescription);
      addImageControl(container);
    });
  });
})();
