/** Stylesheets imported by the client (esbuild bundles them into main.css). */
declare module "*.css";
