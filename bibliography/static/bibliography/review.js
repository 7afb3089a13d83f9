"use strict";
// The review queues without page loads: a decision button posts in the background and the row shows
// the outcome (with Undo); j/k move between rows, a/r/u decide the focused one, m opens a merge.
(function () {
    const rows = () => Array.from(document.querySelectorAll(".review-queue .decision"));
    const waiting = (row) => row.dataset.status === "suggested" || row.dataset.status === "open";

    function focusFrom(row, step) {
        const all = rows();
        let i = all.indexOf(row);
        for (i += step; i >= 0 && i < all.length; i += step) {
            if (step < 0 || waiting(all[i])) { all[i].focus(); return; }
        }
    }

    function button(value, label, key) {
        const b = document.createElement("button");
        Object.assign(b, {type: "submit", name: "decision", value: value, className: value, textContent: label});
        b.dataset.key = key;
        return b;
    }

    function show(form, status, label, undoable) {
        const row = form.closest(".decision");
        row.dataset.status = status;
        const [now, proposed] = row.querySelectorAll(".proposed-change dd");
        if (status === "accepted" && now && proposed) now.replaceChildren(...proposed.cloneNode(true).childNodes);
        form.querySelectorAll("button, .decided, .error").forEach((el) => el.remove());
        if (status === "suggested") {
            form.append(button("accept", "Accept", "a"), button("reject", "Reject", "r"));
        } else {
            const said = document.createElement("span");
            Object.assign(said, {className: "decided", textContent: label});
            form.append(said);
            if (undoable !== false) form.append(button("undo", "Undo", "u"));
        }
    }

    async function decide(form, decision) {
        const data = new FormData(form);
        data.set("decision", decision);
        const row = form.closest(".decision");
        try {
            const response = await fetch(form.action, {method: "POST", body: data, credentials: "same-origin",
                                                        headers: {Accept: "application/json"}});
            const answer = await response.json();
            if (!response.ok) throw new Error(answer.detail || response.statusText);
            show(form, answer.status, answer.label, answer.undoable);
            if (decision !== "undo" && row === document.activeElement.closest(".decision")) focusFrom(row, 1);
        } catch (error) {
            const said = document.createElement("span");
            Object.assign(said, {className: "error errornote", textContent: `Not saved: ${error.message}`});
            form.append(said);
        }
    }

    document.addEventListener("submit", (event) => {
        const form = event.target.closest(".review-queue form.decide");
        if (!form || !event.submitter) return;
        event.preventDefault();
        decide(form, event.submitter.value);
    });

    document.addEventListener("keydown", (event) => {
        if (event.ctrlKey || event.metaKey || event.altKey || event.target.closest("input, textarea, select")) return;
        const row = document.activeElement.closest(".review-queue .decision");
        if (event.key === "j" || event.key === "k") {
            if (row) focusFrom(row, event.key === "j" ? 1 : -1);
            else (rows().find(waiting) || rows()[0])?.focus();
            event.preventDefault();
            return;
        }
        const control = row?.querySelector(`[data-key="${event.key}"]`);
        if (control) {
            event.preventDefault();
            control.click();
        }
    });

    document.addEventListener("DOMContentLoaded", () => {
        if (!location.hash) rows().find(waiting)?.focus({preventScroll: true});
    });
})();
