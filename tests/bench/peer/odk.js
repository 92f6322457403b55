// The peer page: ODK Web Forms (a Vue 3 component library) rendering the complaint XForm,
// bundled by esbuild the way a deployment would ship it. Built by tests/bench/browser.mjs.
import { createApp, h } from "vue";
import { OdkWebForm, webFormsPlugin } from "@getodk/web-forms";
import formXml from "./complaint.xml";

const app = createApp({
  render: () =>
    h(OdkWebForm, {
      formXml,
      fetchFormAttachment: (url) => fetch(url),
      onSubmit: (_payload, callback) => callback?.({ status: "success" }),
    }),
});
app.use(webFormsPlugin);
app.mount("#app");
