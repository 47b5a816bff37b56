/*
  Key terms (explainer.glossary): each is a <button popovertarget> that opens its definition
  with no script. In a browser that does not know the popover attribute, the button would do
  nothing: this turns it into a link to the term on the glossary page instead.
*/
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  if (Object.prototype.hasOwnProperty.call(HTMLElement.prototype, "popover")) {
    return;
  }
  document.querySelectorAll("button.glossary-term[data-glossary]").forEach(function (button) {
    const link = document.createElement("a");
    link.href = button.dataset.glossary;
    link.className = "glossary-term";
    link.textContent = button.textContent;
    button.replaceWith(link);
  });
});
