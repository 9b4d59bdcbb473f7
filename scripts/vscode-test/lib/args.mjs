// The runners' command-line flags.
export function hasFlag(name) {
  return process.argv.includes(name);
}

export function flagValue(name) {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}
