"use strict";
// A long filter (a concept DAG has hundreds of names) narrows as one types in its box.
document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("#changelist-filter input.filter-search").forEach((box) => {
        const choices = Array.from(box.closest("details").querySelectorAll("li"));
        box.addEventListener("input", () => {
            const typed = box.value.trim().toLocaleLowerCase();
            for (const li of choices) li.hidden = typed !== "" && !li.textContent.toLocaleLowerCase().includes(typed);
        });
    });
});
