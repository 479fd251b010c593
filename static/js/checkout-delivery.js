// Checkout, delivery step: choosing pickup hides the address form and shows where to
// collect the order; choosing delivery brings the form back.
(function () {
  "use strict";
  const form = document.querySelector("[data-delivery-form]");
  if (!form) return;
  const address = form.querySelector("#delivery-address");
  const pickup = form.querySelector("#pickup-location");

  function update() {
    const choice = form.querySelector("input[name=delivery_type]:checked");
    const isPickup = Boolean(choice) && choice.value === "pickup";
    address.hidden = isPickup;
    pickup.hidden = !isPickup;
  }

  form.addEventListener("change", function (event) {
    if (event.target.name === "delivery_type") update();
  });
  update();
})();
