// The request id shown on the error page, so a person can quote it and staff can find the log
// line. It usually comes with the root loader's data; when that is missing (an action or the root
// loader itself failed), the server hands it over through this context, and the browser reads it
// back from the rendered page so that hydration shows the same id.
import { createContext, useContext, useState } from "react";

export const RequestIdContext = createContext<string | null>(null);

export function useRequestId(fromRootData: string | null | undefined): string | null {
  const fromServer = useContext(RequestIdContext);
  const [fromPage] = useState(() =>
    typeof document === "undefined"
      ? null
      : (document.querySelector("[data-request-id]")?.getAttribute("data-request-id") ?? null),
  );
  return fromRootData ?? fromServer ?? fromPage;
}
