import { portalViteConfig } from '@payerbox/web-kit/vite-config';

export default portalViteConfig({ base: '/', devPort: 5173 });
