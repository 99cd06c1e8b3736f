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
 * Mantine draws light, subtle and outline variants with shade 6 text, below the 4.5:1 contrast WCAG AA asks of text
 * (axe's color-contrast rule); even shade 9 of yellow or green on their tint falls short. Those variants take a
 * darkened shade 9 for text here, whatever the component, and the filled variants of light hues a darkened shade 9.
 */
/** Colours whose shade 8 is too light behind white text; their filled variants take a darkened shade 9. */
const LIGHT_HUES = new Set(['green', 'teal', 'lime', 'yellow', 'orange', 'cyan']);

const variantColorResolver: VariantColorsResolver = (input) => {
  const defaults = defaultVariantColorsResolver(input);
  const parsed = parseThemeColor({ color: input.color ?? input.theme.primaryColor, theme: input.theme });
  if (!parsed.isThemeColor || parsed.shade !== undefined) return defaults;
  if (input.variant === 'filled' && LIGHT_HUES.has(parsed.color)) {
    // Even shade 9 of green is 4.4:1 behind white; a little darker passes.
    const background = darken(input.theme.colors[parsed.color]?.[9] ?? parsed.value, 0.15);
    return { ...defaults, background, hover: darken(background, 0.15), color: 'var(--mantine-color-white)' };
  }
  if (!['light', 'subtle', 'outline'].includes(input.variant)) return defaults;
  const text = darken(input.theme.colors[parsed.color]?.[9] ?? parsed.value, 0.35);
  return {
    ...defaults,
    color: text,
    hoverColor: text,
    ...(input.variant === 'outline' && { border: `1px solid var(--mantine-color-${parsed.color}-8)` }),
  };
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

/** Mantine's "dimmed" grey (descriptions) is 3.3:1 on white, its error red 3.6:1; gray.7 and red.9 pass. */
export const portalCssVariables: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    '--mantine-color-error': 'var(--mantine-color-red-9)',
  },
  dark: {},
});
