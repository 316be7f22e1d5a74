import { render } from 'preact';
import { App } from './App.js';
import { applyStoredTheme } from './theme.js';
import './base.css';

applyStoredTheme();
render(<App />, document.getElementById('app')!);
