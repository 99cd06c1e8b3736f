import { portalViteConfig } from '@payerbox/web-kit/vite-config';

export default portalViteConfig({ base: '/admin/', devPort: 5174 });
