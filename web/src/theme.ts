/**
 * Light or dark: the system's (`prefers-color-scheme`) until the person picks one with the
 * top bar's toggle; the pick is kept in localStorage (it is no secret) and set as
 * `data-theme` on <html>, which base.css reads.
 */
import { useEffect, useState } from 'preact/hooks';

const THEME_KEY = 'confab.theme';
type Theme = 'light' | 'dark';

function picked(): Theme | undefined {
  const value = localStorage.getItem(THEME_KEY);
  return value === 'light' || value === 'dark' ? value : undefined;
}

const systemDark = () => window.matchMedia('(prefers-color-scheme: dark)');

/** Before the first render, so that a dark page never flashes light. */
export function applyStoredTheme(): void {
  const theme = picked();
  if (theme) document.documentElement.dataset.theme = theme;
}

export function useTheme(): { dark: boolean; toggle(): void } {
  const [theme, setTheme] = useState<Theme | undefined>(picked);
  const [system, setSystem] = useState(() => systemDark().matches);
  useEffect(() => {
    const query = systemDark();
    const follow = () => setSystem(query.matches);
    query.addEventListener('change', follow);
    return () => query.removeEventListener('change', follow);
  }, []);
  const dark = theme ? theme === 'dark' : system;
  return {
    dark,
    toggle() {
      const next: Theme = dark ? 'light' : 'dark';
      localStorage.setItem(THEME_KEY, next);
      document.documentElement.dataset.theme = next;
      setTheme(next);
    },
  };
}
