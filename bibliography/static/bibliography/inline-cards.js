// On a phone, a tabular inline's rows show as cards (admin.css, fieldset.phone-cards): each cell
// says what it is, from its column's heading, since the heading row is hidden there.
"use strict";
{
    function label(row) {
        const headings = row.closest("table").querySelectorAll("thead th");
        row.querySelectorAll(":scope > td").forEach((cell, i) => {
            const heading = headings[i];
            const text = heading ? heading.firstChild && heading.firstChild.textContent.trim() : "";
            if (text && !cell.classList.contains("original")) cell.dataset.label = text;
        });
    }
    function labelAll() {
        document.querySelectorAll("fieldset.phone-cards tbody tr.form-row").forEach(label);
    }
    document.addEventListener("DOMContentLoaded", labelAll);
    document.addEventListener("formset:added", (event) => {
        const row = event.target.closest ? event.target.closest("tr.form-row") : null;
        if (row && row.closest("fieldset.phone-cards")) label(row);
    });
}
