// Coaching Cycles: progressive enhancements. Every page works without this file.
// A select marked js-autosubmit submits its form when a choice is made with the mouse or
// a finger. Arrow keys on a closed select also change it, one option per press: a
// keyboard user is only browsing then, so the form waits for Enter or for leaving the
// select (WCAG 3.2.2, "On Input": a change of setting alone does not change the page).
const AUTOSUBMIT = "select.js-autosubmit";
const keyboardChanged = new WeakSet();
let lastKeySelect = null;

document.addEventListener("keydown", (event) => {
  const target = event.target;
  if (!(target instanceof HTMLSelectElement) || !target.matches(AUTOSUBMIT)) return;
  if (event.key === "Enter" && keyboardChanged.has(target)) {
    event.preventDefault();
    keyboardChanged.delete(target);
    target.form?.requestSubmit();
    return;
  }
  if (event.key !== "Tab") lastKeySelect = target;
});
document.addEventListener("pointerdown", () => {
  lastKeySelect = null;
});
document.addEventListener("change", (event) => {
  const target = event.target;
  if (!(target instanceof HTMLSelectElement) || !target.matches(AUTOSUBMIT)) return;
  if (lastKeySelect === target) {
    keyboardChanged.add(target);
    return;
  }
  target.form?.requestSubmit();
});
document.addEventListener("focusout", (event) => {
  const target = event.target;
  if (target instanceof HTMLSelectElement && keyboardChanged.has(target)) {
    keyboardChanged.delete(target);
    target.form?.requestSubmit();
  }
});

// A box that scrolls sideways (a wide table on a phone) must be reachable by keyboard:
// while it overflows it is a focusable, named region (the table's caption, or the
// heading above it), so Tab stops on it and the arrow keys scroll it. A box that fits
// loses the stop again, so a laptop's Tab order does not gain empty stops.
const SCROLLERS = ".table-responsive, [data-scroll-region]";
let regionCount = 0;

function regionName(box) {
  const caption = box.querySelector("caption");
  if (caption?.textContent.trim()) return caption;
  let heading = null;
  for (const candidate of document.querySelectorAll("h1, h2, h3, h4, h5, h6, .card-header")) {
    if (candidate.compareDocumentPosition(box) & Node.DOCUMENT_POSITION_FOLLOWING) {
      if (!candidate.contains(box) && candidate.textContent.trim()) heading = candidate;
    }
  }
  return heading;
}

function markScrollRegions(root = document) {
  root.querySelectorAll(SCROLLERS).forEach((box) => {
    const overflows = box.scrollWidth > box.clientWidth + 1 || box.scrollHeight > box.clientHeight + 1;
    const marked = box.dataset.scrollMarked === "1";
    if (overflows && !marked) {
      box.dataset.scrollMarked = "1";
      box.setAttribute("tabindex", "0");
      if (!box.hasAttribute("role")) box.setAttribute("role", "region");
      if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
        const label = regionName(box);
        if (label) {
          label.id ||= `scroll-region-label-${++regionCount}`;
          box.setAttribute("aria-labelledby", label.id);
        } else {
          box.setAttribute("aria-label", document.title.split(" · ")[0]);
        }
      }
    } else if (!overflows && marked) {
      delete box.dataset.scrollMarked;
      box.removeAttribute("tabindex");
    }
  });
}

document.addEventListener("DOMContentLoaded", () => markScrollRegions());
document.addEventListener("htmx:afterSettle", () => markScrollRegions());
let resizeTimer;
window.addEventListener("resize", () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => markScrollRegions(), 150);
});

// When htmx replaces the part of the page that held the focus (a ticked action item),
// the focus would fall back to the top of the page: keep it on the new part's first
// control instead, so a keyboard user carries on where they were.
let focusedTargetId = null;
document.addEventListener("htmx:beforeSwap", (event) => {
  const target = event.detail.target;
  const focused = document.activeElement;
  // Only a keyboard user's focus (:focus-visible) is carried: a tap must not open a phone's keyboard.
  const byKeyboard = focused instanceof Element && focused.matches(":focus-visible");
  focusedTargetId = target?.id && byKeyboard && target.contains(focused) ? target.id : null;
});
document.addEventListener("htmx:afterSettle", () => {
  if (!focusedTargetId) return;
  const swapped = document.getElementById(focusedTargetId);
  focusedTargetId = null;
  if (!swapped || (document.activeElement && document.activeElement !== document.body)) return;
  swapped.querySelector("button, a[href], input:not([type=hidden]), select, textarea")?.focus();
});
