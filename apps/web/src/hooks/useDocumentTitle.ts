import { useEffect } from 'react';

/** Sets the tab title to "<title> · DevFlow" while the page is shown. */
export function useDocumentTitle(title: string | null | undefined) {
  useEffect(() => {
    document.title = title ? `${title} · DevFlow` : 'DevFlow';
  }, [title]);
}
