// Used by test_contrast.py: for each element with its own visible text, the text colour,
// the first opaque background colour behind it (images and gradients are skipped, as axe
// leaves them for review), and the ratio. Disabled controls and hidden text are exempt,
// as in WCAG. Returns the texts below AA.
(() => {
  // Computed colours may be oklch(): let a canvas turn them into sRGB bytes.
  const ctx = Object.assign(document.createElement("canvas"), { width: 1, height: 1 })
    .getContext("2d", { willReadFrequently: true });
  const rgba = (value) => {
    ctx.clearRect(0, 0, 1, 1);
    ctx.fillStyle = "#000";
    ctx.fillStyle = value;
    ctx.fillRect(0, 0, 1, 1);
    const [r, g, b, a] = ctx.getImageData(0, 0, 1, 1).data;
    return [r, g, b, a / 255];
  };
  const lum = ([r, g, b]) => {
    const c = [r, g, b].map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const background = (el) => {
    let layers = [];
    for (let node = el; node; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.backgroundImage !== "none") return null;
      const c = rgba(style.backgroundColor);
      const alpha = c[3];
      if (alpha > 0) { layers.push([c, alpha]); if (alpha >= 1) break; }
    }
    let color = [255, 255, 255];
    for (const [c, alpha] of layers.reverse()) {
      color = color.map((v, i) => c[i] * alpha + v * (1 - alpha));
    }
    return color;
  };
  const failures = [];
  for (const el of document.querySelectorAll("body *")) {
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || el.closest("[aria-hidden=true], [disabled], .sr-only, svg, option")) continue;
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (!box.width || !box.height || style.visibility !== "visible" || +style.opacity === 0) continue;
    if (box.width <= 1 || box.height <= 1) continue;
    const bg = background(el);
    if (!bg) continue;
    const fg = rgba(style.color);
    const alpha = fg[3];
    const text = fg.slice(0, 3).map((v, i) => v * alpha + bg[i] * (1 - alpha));
    const [hi, lo] = [lum(text), lum(bg)].sort((a, b) => b - a);
    const ratio = (hi + 0.05) / (lo + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && +style.fontWeight >= 700);
    if (ratio < (large ? 3 : 4.5) - 0.01) {
      failures.push(`${ratio.toFixed(2)} ${el.tagName.toLowerCase()}.${el.className} "${el.textContent.trim().slice(0, 40)}"`);
    }
  }
  return failures;
})
