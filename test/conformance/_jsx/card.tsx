import type { FC, PropsWithChildren } from "hono/jsx";

export const Card: FC<PropsWithChildren<{ title: string }>> = ({ title, children }) => (
  <section class="card">
    <h2>{title}</h2>
    {children}
  </section>
);

export function cardError(): Error {
  return new Error("inside card.tsx");
}
