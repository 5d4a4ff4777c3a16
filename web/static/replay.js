/* The replay control's keys and Play, over its plain links (progressive
   enhancement: without this file the links step just the same). Play walks
   the steps by following the Next link every few seconds; whether it plays
   is kept in sessionStorage for this story's path, so a shared URL never
   starts playing by itself. */
(function () {
  "use strict";
  var control = document.getElementById("replay");
  if (!control) {
    return;
  }
  var KEY = "tracker.replay.playing";
  var DELAY_MS = 2500;
  var play = control.querySelector(".replay-play");
  var keys = control.querySelector(".replay-keys");
  var next = control.getAttribute("data-next");
  var previous = control.getAttribute("data-previous");
  var timer = null;

  function playing() {
    try {
      return window.sessionStorage.getItem(KEY) === window.location.pathname;
    } catch (e) {
      return false;
    }
  }

  function remember(on) {
    try {
      if (on) {
        window.sessionStorage.setItem(KEY, window.location.pathname);
      } else {
        window.sessionStorage.removeItem(KEY);
      }
    } catch (e) {
      /* storage refused: Play still steps while the page is open */
    }
  }

  function go(url) {
    if (url) {
      window.location.assign(url);
    }
  }

  function show(on) {
    play.textContent = on ? "Pause" : "Play";
    play.setAttribute("aria-pressed", on ? "true" : "false");
  }

  function setPlaying(on) {
    if (timer !== null) {
      window.clearTimeout(timer);
      timer = null;
    }
    if (on && !next) {
      on = false; /* the last step: nothing more to play */
    }
    remember(on);
    show(on);
    if (on) {
      timer = window.setTimeout(function () { go(next); }, DELAY_MS);
    }
  }

  play.hidden = false;
  keys.hidden = false;
  play.disabled = !next;
  play.addEventListener("click", function () { setPlaying(!playing()); });
  /* following any link (a step, Leave the replay) is the reader's own move: Play stops */
  document.addEventListener("click", function (event) {
    if (event.target && event.target.closest && event.target.closest("a[href]")) {
      setPlaying(false);
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) {
      return;
    }
    var target = event.target;
    if (target && target.closest && target.closest("input, textarea, select, [contenteditable]")) {
      return;
    }
    if (event.key === "ArrowRight" && next) {
      event.preventDefault();
      setPlaying(false);
      go(next);
    } else if (event.key === "ArrowLeft" && previous) {
      event.preventDefault();
      setPlaying(false);
      go(previous);
    } else if (event.key === " " && !(target && target.closest && target.closest("a, button, summary"))) {
      event.preventDefault();
      setPlaying(!playing());
    }
  });

  setPlaying(playing());
})();
