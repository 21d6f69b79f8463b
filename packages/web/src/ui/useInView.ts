import { type RefObject, useEffect, useState } from "react";

type Callback = (visible: boolean) => void;

/** One IntersectionObserver for every element that asks (a dashboard has hundreds of tiles). */
let observer: IntersectionObserver | null = null;
const callbacks = new Map<Element, Callback>();

function shared(): IntersectionObserver {
  observer ??= new IntersectionObserver(
    (entries) => {
      for (const entry of entries) callbacks.get(entry.target)?.(entry.isIntersecting);
    },
    // A little ahead of the viewport, so tiles are ready before they scroll in.
    { rootMargin: "200px 0px" },
  );
  return observer;
}

/** Whether the element is in (or near) the viewport. False until first measured. */
export function useInView(ref: RefObject<Element | null>): boolean {
  const [visible, setVisible] = useState(false);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    if (typeof IntersectionObserver === "undefined") {
      setVisible(true);
      return;
    }
    const io = shared();
    callbacks.set(element, setVisible);
    io.observe(element);
    return () => {
      io.unobserve(element);
      callbacks.delete(element);
    };
  }, [ref]);
  return visible;
}
