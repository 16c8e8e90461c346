// Coaching Cycles: progressive enhancements. Every page works without this file.
document.addEventListener("change", (event) => {
  const target = event.target;
  if (target instanceof HTMLSelectElement && target.classList.contains("js-autosubmit")) {
    target.form?.requestSubmit();
  }
});
