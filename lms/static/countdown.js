// Progressive enhancement for timed quizzes: count down the time the server says is
// left. Without JavaScript the page shows the minutes left as text; either way the
// server's deadline decides, so this only informs (it never submits or blocks).
(function () {
  "use strict";
  var box = document.querySelector("[data-countdown]");
  if (!box) { return; }
  var left = parseInt(box.getAttribute("data-seconds-left"), 10);
  var shown = box.querySelector(".lms-countdown");
  var alert = box.querySelector("[data-countdown-alert]");
  if (isNaN(left) || !shown) { return; }
  var words = {
    vi: { left: "Còn ", up: "Hết giờ: các câu trả lời đã lưu sẽ được chấm.",
          five: "Còn 5 phút.", one: "Còn 1 phút." },
    en: { left: "Time left: ", up: "Time is up: the saved answers will be graded.",
          five: "5 minutes left.", one: "1 minute left." }
  };
  var text = words[document.documentElement.lang] || words.vi;
  // Counted from this page's own clock since loading, so a wrong device clock does not matter.
  var end = Date.now() + left * 1000;
  function two(n) { return (n < 10 ? "0" : "") + n; }
  var milestones = [[300, text.five], [60, text.one]];
  function tick() {
    var seconds = Math.max(0, Math.ceil((end - Date.now()) / 1000));
    // Screen readers hear the milestones only, not every second (a throttled
    // background tab may skip a second, so "crossed" rather than "equal").
    while (milestones.length && seconds <= milestones[0][0]) {
      if (alert && seconds > 0 && left > milestones[0][0]) { alert.textContent = milestones[0][1]; }
      milestones.shift();
    }
    if (seconds === 0) {
      shown.textContent = text.up;
      if (alert) { alert.textContent = text.up; }
      return;
    }
    var hours = Math.floor(seconds / 3600), minutes = Math.floor(seconds / 60) % 60;
    shown.textContent = text.left + (hours ? hours + ":" + two(minutes) : minutes) + ":" + two(seconds % 60);
    setTimeout(tick, ((end - Date.now()) % 1000) || 1000);
  }
  box.classList.add("lms-countdown-live");
  tick();
})();
