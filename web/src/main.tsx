import { render } from 'preact';
import { App } from './App.js';
import './base.css';

render(<App />, document.getElementById('app')!);
