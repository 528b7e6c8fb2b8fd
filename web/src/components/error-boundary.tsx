import { Component, type ErrorInfo, type ReactNode } from 'react';
import { Button } from './button';
import { AlertIcon } from './icons';

interface Props {
  children: ReactNode;
  /** Changing it (the URL) clears the error, so navigating away recovers. */
  resetKey: string;
}

interface State {
  error: Error | null;
}

/**
 * Catches render errors and failed chunk loads. The usual cause of the latter is a tab left open
 * across an upgrade, asking for chunk files that no longer exist: a reload fetches the new ones.
 */
export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('Page crashed', error, info.componentStack);
  }

  override componentDidUpdate(previous: Props): void {
    if (previous.resetKey !== this.props.resetKey && this.state.error) this.setState({ error: null });
  }

  override render(): ReactNode {
    if (!this.state.error) return this.props.children;
    return (
      <div className="not-found" role="alert">
        <AlertIcon size={32} className="text-danger" />
        <h1>This page failed to load</h1>
        <p className="text-muted">
          Watchpost may have been upgraded since this tab was opened. Reloading usually fixes it.
        </p>
        <p className="mono text-subtle">{this.state.error.message}</p>
        <Button variant="primary" onClick={() => window.location.reload()}>
          Reload
        </Button>
      </div>
    );
  }
}
