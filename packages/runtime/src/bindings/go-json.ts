/**
 * @module bindings/go-json
 * Moved to json/go-json (components use it too, and components/ imports nothing from the runtime
 * layer); this re-export keeps the output binding endpoint's import working until it moves.
 */
export { goMarshal } from '../json/go-json';
