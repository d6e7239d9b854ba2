// Small fixes to Chainlit's page for this assistant (served locally from /public, nothing external):
// - the message length limit is shown while typing, not only after sending;
// - a new answer is scrolled so its first line (the conclusion) is visible, not its last;
// - a source panel is never opened by itself: Chainlit opens one after every answer, titled with the
//   newest source but holding every passage of the chat (on a phone a sheet over the send button);
//   only a tap on a source opens its panel, which then holds exactly that passage.
(() => {
  "use strict";
  const MAX_CHARS = 2000; // assistant/understanding/sanitize.py MAX_CHARS (tests/test_ui_static.py checks)
  let seenAnswers = 0;
  let lastTap = 0;
  let shownTitle = "";

  function inputText(input) {
    return "value" in input ? input.value : input.innerText || "";
  }

  function updateCounter() {
    const input = document.getElementById("chat-input");
    if (!input) return;
    let counter = document.getElementById("hojo-char-count");
    if (!counter) {
      counter = document.createElement("div");
      counter.id = "hojo-char-count";
      counter.setAttribute("aria-live", "polite");
      counter.style.cssText = "font-size:12px;text-align:right;padding:2px 8px;opacity:.75";
      const box = input.closest("form") || input.parentElement;
      box.parentElement.insertBefore(counter, box.nextSibling);
    }
    const n = inputText(input).trim().length;
    const over = n > MAX_CHARS;
    const text = `${n.toLocaleString("ja-JP")} / ${MAX_CHARS.toLocaleString("ja-JP")}文字` +
      (over ? "(長すぎます。短くしてください)" : "");
    if (counter.textContent === text) return; // writing it again would wake the observer below forever
    counter.textContent = text;
    counter.style.color = over ? "#b00020" : "";
  }

  function scrollToNewAnswer() {
    const answers = document.querySelectorAll("[data-step-type=assistant_message]");
    if (answers.length > seenAnswers && seenAnswers > 0 || (seenAnswers === 0 && answers.length === 1)) {
      const newest = answers[answers.length - 1];
      requestAnimationFrame(() => newest.scrollIntoView({ block: "start", behavior: "auto" }));
    }
    seenAnswers = answers.length;
  }

  function closeUntappedPanel() {
    const title = document.getElementById("side-view-title");
    const now = title ? title.textContent : "";
    if (now === shownTitle) return;
    shownTitle = now;
    if (!title || Date.now() - lastTap < 1500) return; // opened (or changed) by the user's tap: keep it
    // Wide screens: the panel's back arrow sits in its title. Phones: a sheet (a dialog) that Escape closes.
    const close = title.querySelector("button");
    if (close) close.click();
    else document.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
  }

  document.addEventListener("click", (event) => {
    if (event.target.closest && event.target.closest("a.element-link, .element-link")) lastTap = Date.now();
  }, true);
  document.addEventListener("input", updateCounter, true);
  new MutationObserver(() => {
    updateCounter();
    scrollToNewAnswer();
    closeUntappedPanel();
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
