/**
 * Light or dark: the system's (`prefers-color-scheme`) until the person picks one with the
 * menu's toggle; the pick is kept in localStorage (it is no secret). Either way the theme
 * is set as `data-theme` on <html>, which base.css reads.
 */
import { useEffect, useState } from 'preact/hooks';

const THEME_KEY = 'confab.theme';
type Theme = 'light' | 'dark';

function picked(): Theme | undefined {
  const value = localStorage.getItem(THEME_KEY);
  return value === 'light' || value === 'dark' ? value : undefined;
}

const systemDark = () => window.matchMedia('(prefers-color-scheme: dark)');

/** The theme in force, set on <html>: before the first render too, so a dark page never flashes light. */
export function applyTheme(): Theme {
  const theme = picked() ?? (systemDark().matches ? 'dark' : 'light');
  document.documentElement.dataset.theme = theme;
  return theme;
}

export function useTheme(): { dark: boolean; toggle(): void } {
  const [theme, setTheme] = useState<Theme>(applyTheme);
  // The system changing its mind counts until the person has picked.
  useEffect(() => {
    const query = systemDark();
    const follow = () => setTheme(applyTheme());
    query.addEventListener('change', follow);
    return () => query.removeEventListener('change', follow);
  }, []);
  return {
    dark: theme === 'dark',
    toggle() {
      localStorage.setItem(THEME_KEY, theme === 'dark' ? 'light' : 'dark');
      setTheme(applyTheme());
    },
  };
}
