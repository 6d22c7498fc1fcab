// The language switch: a link in the menu bar to this same page in the other
// edition. The English book is the site's root; the Chinese one (built from
// po/zh-CN.po) is the folder zh-CN/ inside it, with the same pages.
(function () {
    "use strict";
    const chinese = document.documentElement.lang === "zh-CN";
    // mdbook's path_to_root: "../" for each folder between this page and the
    // root of its edition.
    const root = new URL(path_to_root || "./", location.href);
    if (!location.pathname.startsWith(root.pathname)) {
        return;
    }
    const page = location.pathname.slice(root.pathname.length) + location.hash;
    const other = new URL(chinese ? "../" + page : "zh-CN/" + page, root);

    const link = document.createElement("a");
    link.href = other.href;
    link.className = "language-switch";
    link.lang = chinese ? "en" : "zh-CN";
    link.hreflang = link.lang;
    link.textContent = chinese ? "English" : "中文";
    link.title = chinese ? "Read this page in English" : "阅读本页的中文版";
    link.setAttribute("aria-label", link.title);
    const buttons = document.querySelector(".menu-bar .right-buttons");
    if (buttons) {
        buttons.prepend(link);
    }
})();
