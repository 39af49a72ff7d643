// A view loaded on first use (its own chunk), with the loading and error states.
import type { FunctionComponent } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ErrorBox, Loading } from './ui';

export function lazyView<P extends object>(load: () => Promise<{ default: FunctionComponent<P> }>): FunctionComponent<P> {
  let cached: FunctionComponent<P> | null = null;
  return function LazyView(props: P) {
    const [view, setView] = useState<FunctionComponent<P> | null>(() => cached);
    const [error, setError] = useState<unknown>(null);
    const [attempt, setAttempt] = useState(0);
    useEffect(() => {
      if (view) return;
      let live = true;
      load()
        .then((m) => {
          cached = m.default;
          if (live) setView(() => m.default);
        })
        .catch((e: unknown) => live && setError(e));
      return () => {
        live = false;
      };
    }, [attempt]);
    if (error) {
      return (
        <ErrorBox
          title="This page could not be loaded."
          error={error}
          onRetry={() => {
            setError(null);
            setAttempt((a) => a + 1);
          }}
        />
      );
    }
    if (!view) return <Loading />;
    const View = view;
    return <View {...props} />;
  };
}
