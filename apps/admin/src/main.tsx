import '@payerbox/web-kit/styles.css';
import { mount } from '@payerbox/web-kit';
import { App } from './app/app.tsx';

mount(<App />);
