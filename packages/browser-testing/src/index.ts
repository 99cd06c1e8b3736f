// Browser test harness for the SPAs: the portal on loopback with its development identity provider, Debian's Chromium
// through playwright-core, sign-in through the real login form, axe-core checks, screenshots and a loopback JWKS.
export type { BrowserContext, Locator, Page, Response } from 'playwright-core';
export {
  type AccessibilityOptions,
  accessibilityFindings,
  focusIsWithin,
  seriousAccessibilityViolations,
  type Violation,
} from './accessibility.ts';
export {
  accessibilityInEachScheme,
  CANVAS_BEFORE_SCRIPTS,
  COLOR_SCHEMES,
  type ColorScheme,
  canvasBeforeScripts,
  checkPageAtSize,
  type DocumentColorScheme,
  documentColorScheme,
  emulateColorScheme,
  focusRingContrast,
  signedInPageInScheme,
} from './color-scheme.ts';
export { chooseOption, chooseResource, chooseScope, scopeOperations } from './form-controls.ts';
export { type JwksServer, jwksServerForTests, startJwksServer } from './jwks-server.ts';
export {
  currentNavigationItems,
  expectedNavigationVisit,
  followNavigationLink,
  inDocumentOrder,
  layoutFindings,
  type NavigationVisit,
  navigationInView,
  navigationSettles,
  VIEWPORTS,
  type Viewport,
} from './layout.ts';
export { expiringTokenNoticeJourney, markAllNotificationsRead, unreadCountBecomes } from './notifications.ts';
export {
  describedBy,
  focusedHeading,
  shownAfterBackFromSignOut,
  shownSupportReference,
  submittedService,
  titleBecomes,
  watchRestoredPage,
} from './page-facts.ts';
export {
  type BrowserPortal,
  type BrowserPortalOptions,
  type PageOptions,
  type PortalAccount,
  portalForTests,
  startBrowserPortal,
  type TestHooks,
} from './portal.ts';
export { SCREENSHOT_DIR, saveScreenshot } from './screenshots.ts';
export { pressBack, signedInPage, signIn, signOut } from './sign-in.ts';
