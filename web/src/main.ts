/**
 * The page: picks the backend (webgl → wasm → cpu, or `?backend=`), says which and why, and wires
 * the two views. Every error ends up as a visible message in `#messages`, never uncaught.
 */
import * as tf from '@tensorflow/tfjs';
import { chooseBackend, describeWasm, requestedBackend, type PageBackend } from './backend.ts';
import { setUpToy } from './toy/view.ts';
import { setUpViewer } from './viewer/view.ts';

declare const __TFJS_BNN_VERSION__: string;

declare global {
  interface Window {
    /** For tests and the console: live tensors of the page's tfjs (a leak check). */
    tfjsBnnPage?: { numTensors: () => number };
  }
}

const messages = document.getElementById('messages') as HTMLElement;

/** Shows `error` on the page as "Name: message", with a button that dismisses it. */
function report(error: unknown): void {
  const line = document.createElement('p');
  line.className = 'message error';
  const text = document.createElement('span');
  text.textContent = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const close = document.createElement('button');
  close.type = 'button';
  close.className = 'dismiss';
  close.title = 'dismiss';
  close.textContent = '×';
  close.addEventListener('click', () => line.remove());
  line.append(text, close);
  messages.append(line);
}

window.addEventListener('error', (event) => {
  event.preventDefault();
  report(event.error ?? event.message);
});
window.addEventListener('unhandledrejection', (event) => {
  event.preventDefault();
  report(event.reason);
});

function showView(name: string): void {
  for (const section of document.querySelectorAll<HTMLElement>('main > section')) section.hidden = section.id !== name;
  for (const tab of document.querySelectorAll<HTMLAnchorElement>('nav a')) tab.classList.toggle('active', tab.hash === `#${name}`);
}

async function start(): Promise<void> {
  const version = __TFJS_BNN_VERSION__;
  document.getElementById('version')!.textContent = `tfjs-bnn ${version}`;
  const line = document.getElementById('backend') as HTMLElement;
  let backend: PageBackend = 'cpu';
  try {
    const choice = await chooseBackend(requestedBackend(location.search));
    backend = choice.name;
    line.dataset.backend = choice.name;
    line.textContent = `backend: ${choice.name} — ${choice.reason}`;
    if (choice.wasm !== null) {
      line.dataset.wasmBinary = choice.wasm.binary;
      line.dataset.wasmThreads = String(choice.wasm.threads);
      line.dataset.wasmKernels = choice.wasm.kernels.compiled ? 'compiled' : 'js';
      line.title = `${describeWasm(choice.wasm)}: ${choice.wasm.reason}`;
      line.textContent += ` (${describeWasm(choice.wasm)})`;
    }
  } catch (error) {
    line.textContent = 'backend: none';
    report(error);
    return;
  }
  setUpToy(report);
  setUpViewer(report, () => backend, version);
  const route = () => showView(location.hash === '#viewer' ? 'viewer' : 'toy');
  window.addEventListener('hashchange', route);
  route();
  window.tfjsBnnPage = { numTensors: () => tf.memory().numTensors };
  document.body.dataset.ready = 'true';
}

start().catch(report);
