import { useEffect, useRef } from "preact/hooks";

/** Mounts a chart built by `render` (Observable Plot returns a DOM node) and rebuilds it when deps change. */
export function PlotFigure({
  render,
  deps,
  label,
  onMount,
}: {
  render: (width: number) => (HTMLElement | SVGSVGElement) | null;
  deps: unknown[];
  label: string;
  onMount?: (node: HTMLElement | SVGSVGElement) => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const host = ref.current;
    if (!host) return;
    let width = host.clientWidth;
    const draw = () => {
      const node = render(Math.max(300, width));
      host.replaceChildren();
      if (node) {
        host.append(node);
        onMount?.(node);
      }
    };
    draw();
    const ro = new ResizeObserver(() => {
      const w = host.clientWidth;
      if (Math.abs(w - width) > 24) {
        width = w;
        draw();
      }
    });
    ro.observe(host);
    return () => ro.disconnect();
  }, deps);
  return <div class="figure" ref={ref} role="img" aria-label={label} />;
}
