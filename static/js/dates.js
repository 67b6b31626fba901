// Date fields as dd/mm/yyyy whatever the browser's language (basecurity/widgets.py): a calendar from
// flatpickr (typing stays possible), and digits typed on a phone's number pad get their separators.
(() => {
  const FORMATS = { date: "d/m/Y", datetime: "d/m/Y H:i", time: "H:i" };
  // After a complete group of digits, the separator that follows it in the field's shape.
  const NEXT = [
    [/^\d{2}$/, { date: "/", datetime: "/", time: ":" }],
    [/^\d{1,2}\/\d{2}$/, { date: "/", datetime: "/" }],
    [/^\d{1,2}\/\d{1,2}\/\d{4}$/, { datetime: " " }],
    [/^\d{1,2}\/\d{1,2}\/\d{4} \d{2}$/, { datetime: ":" }],
  ];

  // A pasted ISO date (2026-06-05, 2026-06-05T14:30) is read too, then shown as dd/mm/yyyy.
  const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2}))?$/;
  function parse(text, format) {
    const iso = ISO.exec(text.trim());
    if (iso) return new Date(+iso[1], +iso[2] - 1, +iso[3], +(iso[4] || 0), +(iso[5] || 0));
    return window.flatpickr.parseDate(text, format);
  }

  function separate(input, kind) {
    input.addEventListener("input", (event) => {
      if (!event.inputType || !event.inputType.startsWith("insert")) return;
      for (const [shape, separators] of NEXT) {
        if (shape.test(input.value) && separators[kind]) {
          input.value += separators[kind];
          return;
        }
      }
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    const picker = window.flatpickr;
    const vietnamese = document.documentElement.lang === "vi";
    document.querySelectorAll("input[data-picker]").forEach((input) => {
      const kind = input.dataset.picker;
      separate(input, kind);
      if (!picker) return;
      const max = input.dataset.maxDate;
      picker(input, {
        allowInput: true,
        disableMobile: true, // phones too: their native picker would show the browser's format
        dateFormat: FORMATS[kind],
        enableTime: kind !== "date",
        noCalendar: kind === "time",
        time_24hr: true,
        parseDate: parse,
        maxDate: max ? new Date(`${max}T23:59:59`) : undefined,
        locale: { ...(vietnamese ? picker.l10ns.vn : picker.l10ns.default), firstDayOfWeek: 1 },
      });
    });
  });
})();
