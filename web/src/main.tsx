import { StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import './i18n.ts';
import './styles/app.css';
import { App } from './App.tsx';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    {/* The first paint waits for the translations of the reader's language. */}
    <Suspense fallback={null}>
      <App />
    </Suspense>
  </StrictMode>,
);
