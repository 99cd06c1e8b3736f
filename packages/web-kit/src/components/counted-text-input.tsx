import { TextInput, type TextInputProps } from '@mantine/core';
import { fieldMessage, textLength } from '../field-messages.ts';

/**
 * A text input with a live character counter against the API's `maxLength` for `field`. Text over the limit is kept
 * (the browser's maxLength would cut a paste silently) and marked at once with a sentence saying how much to remove.
 */
export function CountedTextInput(
  props: Omit<TextInputProps, 'value' | 'onChange' | 'maxLength'> & {
    field: string;
    max: number;
    value: string;
    onChange: (value: string) => void;
  },
) {
  const { field, max, value, onChange, description, error, ...input } = props;
  const length = textLength(value);
  const over = length > max;
  return (
    <TextInput
      {...input}
      value={value}
      onChange={(event) => onChange(event.currentTarget.value)}
      description={
        <>
          {description}
          {description ? ' · ' : ''}
          <span data-testid={`${field}-counter`}>
            {length} / {max} characters
          </span>
        </>
      }
      error={over ? `${fieldMessage(field, 'maxLength', max)} Remove ${length - max} to save.` : error}
    />
  );
}
