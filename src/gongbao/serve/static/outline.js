// Highlight, in the outline, the section of the document being read.
(function () {
  const links = new Map();
  document.querySelectorAll("nav.outline a[href^='#']").forEach((a) => links.set(decodeURIComponent(a.hash.slice(1)), a));
  const sections = [...document.querySelectorAll("article.doc section[id]")].filter((s) => links.has(s.id));
  if (!sections.length || !("IntersectionObserver" in window)) return;
  let current = null;
  const observer = new IntersectionObserver((entries) => {
    entries.forEach((e) => {
      if (!e.isIntersecting) return;
      if (current) current.classList.remove("current");
      current = links.get(e.target.id);
      current.classList.add("current");
    });
  }, { rootMargin: "0px 0px -70% 0px" });
  sections.forEach((s) => observer.observe(s));
})();
