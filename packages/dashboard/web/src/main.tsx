/**
 * @module main
 * Entry point: starts the live event stream and renders the dashboard.
 */
import { render } from 'preact';
import { App } from './app';
import { live } from './lib/live';
import './styles.css';

live.start();
render(<App />, document.getElementById('root')!);
