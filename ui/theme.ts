/**
 * Shared kiosk styles: VW colours, big legible type (read from 3 m on a 1920×1080 screen),
 * buttons, panels and progress spinners. Each element adds it before its own styles.
 */
import { css } from 'lit';

export const theme = css`
  :host {
    --vw-dark: #001e50;
    --vw-blue: #0040c5;
    --vw-light: #e8eefb;
    --vw-white: #ffffff;
    --ink: #0b1b36;
    --muted: #4b5a73;
    --line: #d3dbea;
    --ok: #0a7d3b;
    --sev-light: #f2b705;
    --sev-moderate: #f07c00;
    --sev-severe: #d62020;
    --sev-destroyed: #7a0a0a;
    --radius: 20px;
    box-sizing: border-box;
    font-family: 'Inter', system-ui, sans-serif;
    color: var(--ink);
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  h1,
  h2,
  h3,
  p {
    margin: 0;
  }
  h1 {
    font-size: 60px;
    font-weight: 800;
    letter-spacing: -0.02em;
    color: var(--vw-dark);
  }
  h2 {
    font-size: 36px;
    font-weight: 700;
    color: var(--vw-dark);
  }
  button {
    font: inherit;
    font-size: 32px;
    font-weight: 700;
    border-radius: 999px;
    border: 3px solid var(--vw-blue);
    padding: 20px 48px;
    min-height: 84px;
    cursor: pointer;
    background: var(--vw-blue);
    color: var(--vw-white);
    transition:
      transform 80ms ease,
      background 120ms ease;
  }
  button:active:not(:disabled) {
    transform: scale(0.97);
  }
  button.secondary {
    background: var(--vw-white);
    color: var(--vw-blue);
  }
  button:disabled {
    cursor: not-allowed;
    background: #c9d1df;
    border-color: #c9d1df;
    color: #6b778c;
  }
  button:focus-visible {
    outline: 4px solid #7fb2ff;
    outline-offset: 4px;
  }
  .panel {
    background: var(--vw-white);
    border-radius: var(--radius);
    box-shadow: 0 4px 24px rgba(0, 30, 80, 0.12);
    padding: 32px;
  }
  .actions {
    display: flex;
    gap: 24px;
    justify-content: flex-end;
    align-items: center;
  }
  .spinner {
    width: 120px;
    height: 120px;
    border-radius: 50%;
    border: 14px solid var(--vw-light);
    border-top-color: var(--vw-blue);
    animation: spin 1s linear infinite;
  }
  @keyframes spin {
    to {
      transform: rotate(360deg);
    }
  }
  .progress {
    display: flex;
    flex-direction: column;
    align-items: center;
    justify-content: center;
    gap: 40px;
    height: 100%;
    text-align: center;
  }
  .progress p {
    font-size: 32px;
    color: var(--muted);
  }
  .error-box {
    border-left: 12px solid var(--sev-severe);
    background: #fff1f1;
    border-radius: var(--radius);
    padding: 32px 40px;
    font-size: 32px;
  }
  .error-box strong {
    display: block;
    font-size: 40px;
    color: var(--sev-severe);
    margin-bottom: 12px;
  }
  .note {
    font-size: 22px;
    color: var(--muted);
  }
  .num {
    font-variant-numeric: tabular-nums;
    text-align: right;
    white-space: nowrap;
  }
`;
