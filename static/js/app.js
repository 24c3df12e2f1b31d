// Behaviour every page shares, hooked on data-* attributes (the CSP allows no inline script).
// <select data-autosubmit>: submits its form when the choice changes (the language switch).
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit") && target.form) {
      target.form.submit();
    }
  });
})();
