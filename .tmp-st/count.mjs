const t = performance.now();
await import('/work/main/dist/cli/main.js').catch(() => {});
