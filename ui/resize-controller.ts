import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * The host element's size in CSS px, kept up to date with a ResizeObserver (after
 * @lit-labs/observers' ResizeController, without the dependency): a drawing sized to it can use
 * screen px for its text, so a 20 px label is 20 px on the kiosk whatever the panel's shape.
 */
export class ResizeController implements ReactiveController {
  width = 0;
  height = 0;
  private _observer: ResizeObserver | null = null;

  constructor(private readonly _host: ReactiveControllerHost & HTMLElement) {
    _host.addController(this);
  }

  hostConnected(): void {
    this._observer = new ResizeObserver(([entry]) => {
      if (!entry) return;
      const { width, height } = entry.contentRect;
      if (Math.round(width) === this.width && Math.round(height) === this.height) return;
      this.width = Math.round(width);
      this.height = Math.round(height);
      this._host.requestUpdate();
    });
    this._observer.observe(this._host);
  }

  hostDisconnected(): void {
    this._observer?.disconnect();
    this._observer = null;
  }
}
