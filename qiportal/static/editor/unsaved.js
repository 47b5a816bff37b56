/*
  Leaving a content form with unsaved typing asks first. Any change to a field marks the form;
  pressing one of its buttons (Save, Save draft, Submit for review) clears the mark, so saving
  never asks. A file of its own: the Content Security Policy allows no inline script.
*/
"use strict";

(function () {
  let unsaved = false;

  function mark() {
    unsaved = true;
  }

  document.addEventListener("DOMContentLoaded", function () {
    const form = document.querySelector("#content-main form");
    if (!form) {
      return;
    }
    form.addEventListener("input", mark);
    form.addEventListener("change", mark);
    form.addEventListener("submit", function () {
      unsaved = false;
    });
    window.addEventListener("beforeunload", function (event) {
      if (unsaved) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  });
})();
