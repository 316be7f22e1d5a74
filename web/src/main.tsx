import { render } from 'preact';
import { App } from './App.js';
import { applyTheme } from './theme.js';
import './base.css';

applyTheme();
render(<App />, document.getElementById('app')!);
