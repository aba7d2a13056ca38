// Progressive enhancement for quiz pages: save an answer as soon as it changes, so a
// dropped connection loses nothing. Without JavaScript the "Save and next" buttons do it.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.FormData) { return; }
  var status = form.querySelector(".lms-autosave-status");
  var labels = { vi: ["Đang lưu…", "Đã lưu câu trả lời.", "Chưa lưu được: kiểm tra kết nối."],
                 en: ["Saving…", "Answer saved.", "Not saved: check the connection."] };
  var text = labels[document.documentElement.lang] || labels.vi;
  var timer = null;
  function save() {
    if (status) { status.textContent = text[0]; }
    fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin",
                         headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json().then(function (data) { return [response.ok, data]; }); })
      .then(function (result) { if (status) { status.textContent = result[0] && result[1].saved ? text[1] : (result[1].error || text[2]); } })
      .catch(function () { if (status) { status.textContent = text[2]; } });
  }
  form.addEventListener("change", function () { clearTimeout(timer); timer = setTimeout(save, 300); });
  form.addEventListener("input", function (event) {
    if (event.target.type === "text") { clearTimeout(timer); timer = setTimeout(save, 1200); }
  });
})();
