// django-celery-beat's crontab help, as its change form does inline (see the template).
(function () {
  var $ = django.jQuery;
  var originalHelp = document.getElementById("periodic-task-overrides").dataset.help;
  var readable = JSON.parse($("#readable-crontabs").text());
  $(".field-crontab_translation").hide();
  $(".field-crontab").change(function () {
    $(".field-crontab .help").text(originalHelp + " — " + readable[$("#id_crontab").val()]);
  });
})();
