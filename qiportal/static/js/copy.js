/*
  "Copy" buttons: <button data-copy="#selector" hidden>. The button stays hidden without
  JavaScript or a clipboard; the text it copies is on the page either way.
*/
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  if (!navigator.clipboard) {
    return;
  }
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    const source = document.querySelector(button.dataset.copy);
    const status = button.parentElement.querySelector(".copy-status");
    if (!source) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.textContent.trim()).then(
        function () {
          if (status) {
            status.textContent = "Copied.";
          }
        },
        function () {
          if (status) {
            status.textContent = "Could not copy: select the text and copy it instead.";
          }
        }
      );
    });
  });
});
