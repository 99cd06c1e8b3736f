import {
  type CSSVariablesResolver,
  createTheme,
  darken,
  defaultVariantColorsResolver,
  Modal,
  parseThemeColor,
  type VariantColorsResolver,
} from '@mantine/core';

/**
 * Mantine's light scheme draws light, subtle and outline variants with text below the 4.5:1 contrast WCAG AA asks of
 * text (axe's color-contrast rule); even shade 9 of yellow or green on their tint falls short. Those variants take a
 * darkened shade 9 for text in the light scheme ({@link portalCssVariables}); the dark scheme's shade 0 on a deep tint
 * (outline: shade 4 on the body) already passes. The filled variants of light hues take a darkened shade 9 in both.
 */
/** Colours whose shade 8 is too light behind white text; their filled variants take a darkened shade 9. */
const LIGHT_HUES = new Set(['green', 'teal', 'lime', 'yellow', 'orange', 'cyan']);

const variantColorResolver: VariantColorsResolver = (input) => {
  const defaults = defaultVariantColorsResolver(input);
  const parsed = parseThemeColor({ color: input.color ?? input.theme.primaryColor, theme: input.theme });
  if (!parsed.isThemeColor || parsed.shade !== undefined) return defaults;
  if (input.variant === 'filled' && LIGHT_HUES.has(parsed.color)) {
    // Even shade 9 of green is 4.4:1 behind white; a little darker passes. White on it reads in either scheme.
    const background = darken(input.theme.colors[parsed.color]?.[9] ?? parsed.value, 0.15);
    return { ...defaults, background, hover: darken(background, 0.15), color: 'var(--mantine-color-white)' };
  }
  return defaults;
};

export const portalTheme = createTheme({
  primaryColor: 'indigo',
  // Shade 8 keeps white text on filled buttons (and link text) above 4.5:1; shade 6 falls short.
  primaryShade: 8,
  defaultRadius: 'md',
  variantColorResolver,
  components: {
    // The dialogs' close button has no text: give it a name for screen readers.
    Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close dialog' } } }),
  },
});

/**
 * The colours of text that Mantine's defaults draw below 4.5:1, per scheme. Light: "dimmed" grey (descriptions) is
 * 3.3:1 on white and error red 3.6:1, so gray.7 and red.9; every colour's light/subtle/outline text a darkened shade
 * 9. Dark: "dimmed" dark.2 is 4.0:1 on the dark body and error red.8 3.4:1, so dark.1 and red.4.
 */
export const portalCssVariables: CSSVariablesResolver = (theme) => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    '--mantine-color-error': 'var(--mantine-color-red-9)',
    ...Object.fromEntries(
      Object.entries(theme.colors).flatMap(([name, shades]) => {
        const text = darken(shades[9], 0.35);
        return [
          [`--mantine-color-${name}-light-color`, text],
          [`--mantine-color-${name}-outline`, text],
        ];
      }),
    ),
  },
  dark: {
    '--mantine-color-dimmed': 'var(--mantine-color-dark-1)',
    '--mantine-color-error': 'var(--mantine-color-red-4)',
  },
});
